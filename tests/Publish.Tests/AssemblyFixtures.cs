[assembly: AssemblyFixture(typeof(TrixiePowerDnsServer))]
[assembly: AssemblyFixture(typeof(Publish.Tests.PublishedWebhook))]
