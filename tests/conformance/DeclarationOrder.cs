using Xunit.Sdk;
using Xunit.v3;

namespace Conformance.Tests;

/// <summary>
/// Runs a class's test methods in the order they are declared, so upstream's cases come first and the table, declared
/// last, sees every cell; a theory's rows run by display name, which for the cells is PowerDNS version, then variant.
/// </summary>
public sealed class DeclarationOrder : ITestMethodOrderer, ITestCaseOrderer
{
    public IReadOnlyCollection<TTestMethod?> OrderTestMethods<TTestMethod>(IReadOnlyCollection<TTestMethod?> testMethods)
        where TTestMethod : notnull, ITestMethod =>
        [.. testMethods.OrderBy(method => method is IXunitTestMethod xunit ? xunit.MetadataToken : int.MaxValue)];

    public IReadOnlyCollection<TTestCase> OrderTestCases<TTestCase>(IReadOnlyCollection<TTestCase> testCases)
        where TTestCase : notnull, ITestCase =>
        [.. testCases.OrderBy(testCase => testCase.TestCaseDisplayName, StringComparer.Ordinal)];
}
