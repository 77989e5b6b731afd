namespace Conformance.Tests;

/// <summary>A Present or CleanUp that cert-manager would see fail, with the message it would show on the Challenge.</summary>
internal sealed class SolverFailedException(string message) : Exception(message);
