namespace Webhook.Challenges;

/// <summary>A failure whose message is written for the person reading the Challenge's status.</summary>
internal sealed class SolverException(string message) : Exception(message);
