[assembly: AssemblyFixture(typeof(Chart.Tests.ChartRenderer))]
