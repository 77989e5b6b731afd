namespace Conformance.Tests;

/// <summary>A DNS check that upstream's poll would stop on: the case fails at once.</summary>
internal sealed class DnsCheckException(string message) : Exception(message);
