namespace Webhook.Editing;

/// <summary>One value to add to, or remove from, the TXT RRSet at <see cref="Name"/> (normalised).</summary>
internal sealed record TxtEdit(string Name, string Value, int Ttl, bool Add);
