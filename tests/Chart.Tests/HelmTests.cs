namespace Chart.Tests;

/// <summary>Where helm is on PATH (it is not installable here), the real thing: helm lint, and helm template agreeing with chart-render.</summary>
public sealed class HelmTests(ChartRenderer chart)
{
    private static readonly string? Helm = Environment.GetEnvironmentVariable("PATH")?.Split(':')
        .Select(dir => Path.Combine(dir, "helm")).FirstOrDefault(File.Exists);

    [Theory]
    [MemberData(nameof(ChartCase.Names), MemberType = typeof(ChartCase))]
    public async Task HelmLintsAndRendersTheSameObjects(string chartCase)
    {
        Assert.SkipWhen(Helm is null, "helm is not on PATH");
        using var files = new TempFiles();
        var values = files.Write("values.yaml", ChartCase.Named(chartCase).Values);

        var lint = await Processes.RunAsync(Helm!, ["lint", "--strict", ChartRenderer.ChartDir, "-f", values], TimeSpan.FromMinutes(1));
        var template = await Processes.RunAsync(Helm!,
            ["template", ChartRenderer.Release, ChartRenderer.ChartDir, "--namespace", ChartRenderer.Namespace, "-f", values], TimeSpan.FromMinutes(1));
        var ours = await chart.RenderAsync(ChartCase.Named(chartCase));

        lint.Code.Should().Be(0, lint.Output + lint.Errors);
        template.Code.Should().Be(0, template.Errors);
        Rendering.Parse(template.Output, "").Inventory.Should().BeEquivalentTo(ours.Inventory);
    }
}
