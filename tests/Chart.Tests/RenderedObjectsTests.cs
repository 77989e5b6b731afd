using k8s.Models;

namespace Chart.Tests;

/// <summary>Every install of the matrix (<see cref="ChartCase"/>): each object on its own, then the references between them.</summary>
public sealed class RenderedObjectsTests(ChartRenderer chart)
{
    private static readonly HashSet<string> ClusterScopedKinds = ["APIService", "ClusterRole", "ClusterRoleBinding", "ClusterIssuer"];

    [Theory]
    [MemberData(nameof(ChartCase.Names), MemberType = typeof(ChartCase))]
    public async Task EveryObjectParsesStrictlyAndIsPlacedInANamespaceOrNot(string chartCase)
    {
        var rendering = await chart.RenderAsync(ChartCase.Named(chartCase));

        rendering.Objects.Should().NotBeEmpty();
        rendering.Objects.Should().OnlyContain(o => !string.IsNullOrEmpty(o.Metadata.Name) && o.Metadata.Name.Length <= 253);
        rendering.Objects.Where(o => ClusterScopedKinds.Contains(o.Kind)).Should().OnlyContain(o => o.Metadata.NamespaceProperty == null);
        rendering.Objects.Where(o => !ClusterScopedKinds.Contains(o.Kind)).Should().OnlyContain(o => o.Metadata.NamespaceProperty != null);
        rendering.Inventory.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void StrictParsingRefusesAMisspeltField()
    {
        var manifest = """
            apiVersion: v1
            kind: Service
            metadata: {name: x, namespace: y}
            spec:
              ports: [{name: https, port: 443, targetPrt: https}]
            """;

        var parse = () => Rendering.Parse(manifest, "");

        parse.Should().Throw<Exception>().Where(e => e.ToString().Contains("targetPrt"));
    }

    [Theory]
    [MemberData(nameof(ChartCase.Names), MemberType = typeof(ChartCase))]
    public async Task EveryObjectCarriesTheRecommendedLabels(string chartCase)
    {
        var rendering = await chart.RenderAsync(ChartCase.Named(chartCase));

        foreach (var o in rendering.Objects)
        {
            o.Metadata.Labels.Should().ContainKeys(["app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
                "app.kubernetes.io/managed-by", "app.kubernetes.io/component", "helm.sh/chart"], $"{o.Kind} {o.Metadata.Name} is labelled");
            o.Metadata.Labels["app.kubernetes.io/instance"].Should().Be(ChartRenderer.Release);
        }
    }

    [Theory]
    [MemberData(nameof(ChartCase.Names), MemberType = typeof(ChartCase))]
    public async Task EverySelectorPicksExactlyItsOwnPods(string chartCase)
    {
        var rendering = await chart.RenderAsync(ChartCase.Named(chartCase));

        foreach (var deployment in rendering.All<V1Deployment>())
        {
            Rendering.Matches(deployment.Spec.Selector.MatchLabels, deployment.Spec.Template.Metadata.Labels)
                .Should().BeTrue($"Deployment {deployment.Metadata.Name}'s selector matches its pod labels");
            rendering.Selected(deployment.Spec.Selector.MatchLabels).Should().Equal([deployment], "no other Deployment's pods share them");
        }

        foreach (var service in rendering.All<V1Service>())
        {
            rendering.Selected(service.Spec.Selector).Should().ContainSingle($"Service {service.Metadata.Name} selects one Deployment's pods");
        }

        foreach (var budget in rendering.All<V1PodDisruptionBudget>())
        {
            rendering.Selected(budget.Spec.Selector.MatchLabels).Should().ContainSingle($"PodDisruptionBudget {budget.Metadata.Name} covers one Deployment's pods");
        }

        rendering.All<V1PodDisruptionBudget>().Should().ContainSingle(b => Rendering.Matches(b.Spec.Selector.MatchLabels, rendering.Webhook.Spec.Template.Metadata.Labels));
    }

    [Theory]
    [MemberData(nameof(ChartCase.Names), MemberType = typeof(ChartCase))]
    public async Task EveryServicePortReachesAContainerPortOfItsProtocol(string chartCase)
    {
        var rendering = await chart.RenderAsync(ChartCase.Named(chartCase));

        foreach (var service in rendering.All<V1Service>())
        {
            var pod = rendering.Selected(service.Spec.Selector).Single().Spec.Template.Spec;
            foreach (var port in service.Spec.Ports)
            {
                Pods.Resolve(pod, port.TargetPort, port.Protocol ?? "TCP")
                    .Should().NotBeNull($"Service {service.Metadata.Name} port {port.Name} ({port.Protocol}) targets {port.TargetPort.Value}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(ChartCase.Names), MemberType = typeof(ChartCase))]
    public async Task TheApiServiceReachesTheWebhooksServingPortAndProbesUseIt(string chartCase)
    {
        var rendering = await chart.RenderAsync(ChartCase.Named(chartCase));
        var apiService = rendering.All<V1APIService>().Single();
        var pod = rendering.Webhook.Spec.Template.Spec;
        var container = pod.Containers.Single();

        var service = rendering.Get<V1Service>(apiService.Spec.Service.Name, apiService.Spec.Service.NamespaceProperty);
        var servicePort = service.Spec.Ports.Single(p => p.Port == apiService.Spec.Service.Port);
        var containerPort = Pods.Resolve(pod, servicePort.TargetPort)!;

        apiService.Metadata.Name.Should().Be($"{apiService.Spec.Version}.{apiService.Spec.Group}");
        apiService.Spec.Version.Should().Be("v1alpha1", "cert-manager always calls v1alpha1");
        Pods.Flag(container.Args, "--group-name").Should().Be(apiService.Spec.Group);
        rendering.Selected(service.Spec.Selector).Should().Equal(rendering.Webhook);
        Pods.Flag(container.Args, "--secure-port").Should().Be(containerPort.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (probe, path) in new[] { (container.LivenessProbe, "/healthz"), (container.ReadinessProbe, "/readyz") })
        {
            probe.HttpGet.Scheme.Should().Be("HTTPS");
            probe.HttpGet.Path.Should().Be(path);
            Pods.Resolve(pod, probe.HttpGet.Port).Should().BeSameAs(containerPort);
        }
    }

    [Theory]
    [MemberData(nameof(ChartCase.Names), MemberType = typeof(ChartCase))]
    public async Task TheCaIsInjectedFromTheServingCertificateOfTheServiceName(string chartCase)
    {
        var rendering = await chart.RenderAsync(ChartCase.Named(chartCase));
        var apiService = rendering.All<V1APIService>().Single();
        var pod = rendering.Webhook.Spec.Template.Spec;
        var container = pod.Containers.Single();

        var injectFrom = apiService.Metadata.Annotations["cert-manager.io/inject-ca-from"].Split('/');
        var certificate = rendering.Certificate(injectFrom[1]);
        var caIssuer = rendering.All<IssuerSpec>("Issuer").Single(i => i.Metadata.Name == certificate.Spec.IssuerRef.Name);
        var ca = rendering.All<CertificateSpec>("Certificate").Single(c => c.Spec.SecretName == caIssuer.Spec.Ca!.SecretName);
        var selfSigned = rendering.All<IssuerSpec>("Issuer").Single(i => i.Metadata.Name == ca.Spec.IssuerRef.Name);
        var tlsDir = Pods.MountPath(pod, container, v => v.Secret?.SecretName == certificate.Spec.SecretName);

        injectFrom[0].Should().Be(certificate.Metadata.NamespaceProperty);
        certificate.Spec.DnsNames.Should().Contain($"{apiService.Spec.Service.Name}.{apiService.Spec.Service.NamespaceProperty}.svc");
        certificate.Spec.IssuerRef.Kind.Should().Be("Issuer");
        ca.Spec.IsCA.Should().BeTrue();
        selfSigned.Spec.SelfSigned.Should().NotBeNull();
        Pods.Flag(container.Args, "--tls-cert-file").Should().Be($"{tlsDir}/tls.crt");
        Pods.Flag(container.Args, "--tls-private-key-file").Should().Be($"{tlsDir}/tls.key");
    }

    [Theory]
    [MemberData(nameof(ChartCase.Names), MemberType = typeof(ChartCase))]
    public async Task EveryRbacSubjectAndRoleExistsWithLeastPrivilege(string chartCase)
    {
        var rendering = await chart.RenderAsync(ChartCase.Named(chartCase));
        var webhookAccount = rendering.Get<V1ServiceAccount>(rendering.Webhook.Spec.Template.Spec.ServiceAccountName);
        var accounts = rendering.All<V1ServiceAccount>().Select(a => $"{a.Metadata.NamespaceProperty}/{a.Metadata.Name}")
            .Append("cert-manager/cert-manager")    // certManager.namespace / serviceAccountName
            .Append("monitoring/prometheus-k8s")    // metrics.prometheusServiceAccount of the replicas-3 case
            .ToHashSet();
        var roles = rendering.All<V1ClusterRole>().Select(r => $"ClusterRole {r.Metadata.Name}")
            .Concat(rendering.All<V1Role>().Select(r => $"Role {r.Metadata.NamespaceProperty}/{r.Metadata.Name}"))
            .Concat(["ClusterRole system:auth-delegator", "Role kube-system/extension-apiserver-authentication-reader"])   // built in
            .ToHashSet();
        var bindings = rendering.All<V1ClusterRoleBinding>().Select(b => (Role: $"{b.RoleRef.Kind} {b.RoleRef.Name}", b.Subjects))
            .Concat(rendering.All<V1RoleBinding>().Select(b =>
                (Role: b.RoleRef.Kind == "Role" ? $"Role {b.Metadata.NamespaceProperty}/{b.RoleRef.Name}" : $"ClusterRole {b.RoleRef.Name}", b.Subjects)))
            .ToList();
        var rules = rendering.All<V1ClusterRole>().SelectMany(r => r.Rules).Concat(rendering.All<V1Role>().SelectMany(r => r.Rules)).ToList();

        webhookAccount.Should().NotBeNull();
        foreach (var (role, subjects) in bindings)
        {
            roles.Should().Contain(role);
            subjects.Should().OnlyContain(s => s.Kind == "ServiceAccount" && accounts.Contains(s.NamespaceProperty + "/" + s.Name), $"the subjects of {role} exist");
        }

        rules.Should().NotContain(r => (r.ApiGroups ?? Array.Empty<string>()).Contains("flowcontrol.apiserver.k8s.io"), "the webhook needs no flowcontrol access");
        rules.Should().NotContain(r => r.Verbs.Contains("*") || (r.Resources ?? Array.Empty<string>()).Contains("*"));
        rules.Where(r => (r.Resources ?? Array.Empty<string>()).Contains("secrets")).Should().OnlyContain(r => r.Verbs.SequenceEqual(new[] { "get" }));
        rendering.All<V1ClusterRole>().SelectMany(r => r.Rules).Should().NotContain(r => (r.Resources ?? Array.Empty<string>()).Contains("secrets"), "Secrets are never readable cluster-wide by default");
    }

    [Theory]
    [MemberData(nameof(ChartCase.Names), MemberType = typeof(ChartCase))]
    public async Task CertManagerMayCallExactlyTheServedSolver(string chartCase)
    {
        var rendering = await chart.RenderAsync(ChartCase.Named(chartCase));
        var args = rendering.Webhook.Spec.Template.Spec.Containers.Single().Args;
        var binding = rendering.All<V1ClusterRoleBinding>().Single(b => b.Subjects.Any(s => s.Name == "cert-manager"));

        var rule = rendering.All<V1ClusterRole>().Single(r => r.Metadata.Name == binding.RoleRef.Name).Rules.Single();

        rule.ApiGroups.Should().Equal(Pods.Flag(args, "--group-name"));
        rule.Resources.Should().Equal(Pods.Flag(args, "--solver-name"));
        rule.Verbs.Should().Equal("create");
        binding.Subjects.Single().NamespaceProperty.Should().Be("cert-manager");
    }

    [Theory]
    [MemberData(nameof(ChartCase.Names), MemberType = typeof(ChartCase))]
    public async Task EveryPodMeetsPodSecurityRestricted(string chartCase)
    {
        var rendering = await chart.RenderAsync(ChartCase.Named(chartCase));

        foreach (var deployment in rendering.All<V1Deployment>())
        {
            PodSecurity.Violations(deployment.Spec.Template.Spec).Should().BeEmpty($"Deployment {deployment.Metadata.Name} is restricted");
        }
    }

    [Fact]
    public async Task PodSecurityCheckCatchesAnEscalatingContainer()
    {
        var rendering = await chart.RenderAsync("webhook: {securityContext: {allowPrivilegeEscalation: true}}");

        PodSecurity.Violations(rendering.Webhook.Spec.Template.Spec).Should().Equal("webhook: allowPrivilegeEscalation false");
    }

    [Theory]
    [MemberData(nameof(ChartCase.Names), MemberType = typeof(ChartCase))]
    public async Task WebhookArgsAreFlagsTheBinaryKnows(string chartCase)
    {
        var rendering = await chart.RenderAsync(ChartCase.Named(chartCase));

        var args = rendering.Webhook.Spec.Template.Spec.Containers.Single().Args;

        args.Should().OnlyContain(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('='));
        WebhookFlags.Unknown(args).Should().BeEmpty();
        Pods.Flag(args, "--authorization-mode").Should().Be("Delegated");
    }

    [Fact]
    public async Task AMisspeltFlagIsCaught()
    {
        var rendering = await chart.RenderAsync("webhook: {extraArgs: [--secure-prot=9443, --requestheader-allowed-names=front-proxy-client]}");

        var args = rendering.Webhook.Spec.Template.Spec.Containers.Single().Args;

        WebhookFlags.Unknown(args).Should().Equal("--secure-prot");
    }

    [Theory]
    [MemberData(nameof(ChartCase.Names), MemberType = typeof(ChartCase))]
    public async Task WebhookReplicasSpreadAndSurviveADrain(string chartCase)
    {
        var rendering = await chart.RenderAsync(ChartCase.Named(chartCase));
        var webhook = rendering.Webhook;

        var antiAffinity = webhook.Spec.Template.Spec.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution.Single();

        webhook.Spec.Replicas.Should().Be(chartCase switch { "replicas-3" => 3, "external-powerdns" => 1, _ => 2 });
        antiAffinity.PodAffinityTerm.TopologyKey.Should().Be("kubernetes.io/hostname");
        rendering.Selected(antiAffinity.PodAffinityTerm.LabelSelector.MatchLabels).Should().Equal(webhook);
        rendering.All<V1PodDisruptionBudget>().Single(b => rendering.Selected(b.Spec.Selector.MatchLabels).Contains(webhook))
            .Spec.MaxUnavailable.Value.Should().Be("1");
    }
}
