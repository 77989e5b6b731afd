using k8s.Models;

namespace Chart.Tests;

/// <summary>How Kubernetes resolves the references between rendered objects: named ports, probes, selectors.</summary>
public static class Pods
{
    /// <summary>The container port a Service targetPort, probe or NetworkPolicy port names (by name, or by number).</summary>
    public static V1ContainerPort? Resolve(V1PodSpec pod, IntOrString port, string protocol = "TCP") =>
        pod.Containers.SelectMany(c => c.Ports ?? []).SingleOrDefault(p =>
            (p.Protocol ?? "TCP") == protocol && (int.TryParse(port.Value, out var number) ? p.ContainerPort == number : p.Name == port.Value));

    /// <summary>The value of a <c>--name=value</c> (or <c>--name value</c>) argument.</summary>
    public static string? Flag(IList<string> args, string name)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i].StartsWith(name + "=", StringComparison.Ordinal))
            {
                return args[i][(name.Length + 1)..];
            }

            if (args[i] == name && i + 1 < args.Count)
            {
                return args[i + 1];
            }
        }

        return null;
    }

    /// <summary>Where a volume is mounted in a container, by the volume's source (a Secret's or ConfigMap's name).</summary>
    public static string MountPath(V1PodSpec pod, V1Container container, Func<V1Volume, bool> source)
    {
        var volume = pod.Volumes.Single(source);
        return container.VolumeMounts.Single(m => m.Name == volume.Name).MountPath;
    }

    /// <summary>The container's literal environment values (those taken from a Secret: <see cref="SecretEnv"/>).</summary>
    public static IDictionary<string, string> Env(V1Container container) =>
        (container.Env ?? []).Where(e => e.ValueFrom is null)
            .ToDictionary(e => e.Name, e => e.Value ?? throw new InvalidOperationException($"env {e.Name} has no value"));

    /// <summary>The environment variables taken from a Secret's key: name to (Secret, key).</summary>
    public static IDictionary<string, (string Secret, string Key)> SecretEnv(V1Container container) =>
        (container.Env ?? []).Where(e => e.ValueFrom is not null).ToDictionary(e => e.Name, e =>
            e.ValueFrom.SecretKeyRef is { } s ? (s.Name, s.Key) : throw new InvalidOperationException($"env {e.Name} is from neither a value nor a Secret"));
}
