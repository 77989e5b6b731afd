namespace Chart.Tests;

/// <summary>helm's own verdict on the chart, for every case of the matrix.</summary>
public sealed class HelmTests(ChartRenderer chart)
{
    [Theory]
    [MemberData(nameof(ChartCase.Names), MemberType = typeof(ChartCase))]
    public async Task HelmLintsEveryCaseStrictly(string chartCase)
    {
        using var files = new TempFiles();

        var (code, output) = await chart.LintAsync(files.Write("values.yaml", ChartCase.Named(chartCase).Values));

        code.Should().Be(0, output);
        output.Should().Contain("1 chart(s) linted, 0 chart(s) failed").And.NotContain("[WARNING]").And.NotContain("[ERROR]");
    }
}
