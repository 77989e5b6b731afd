using k8s.Models;

namespace Chart.Tests;

/// <summary>
/// The Pod Security Standards "restricted" profile (kubernetes.io/docs/concepts/security/pod-security-standards), checked
/// on a pod template, plus this project's own rules: a read-only root file system and resources set on every container.
/// </summary>
public static class PodSecurity
{
    private static readonly HashSet<string> RestrictedVolumeTypes =
        ["ConfigMap", "Csi", "DownwardAPI", "EmptyDir", "Ephemeral", "PersistentVolumeClaim", "Projected", "Secret"];

    public static IReadOnlyList<string> Violations(V1PodSpec pod)
    {
        List<string> violations = [];
        void Check(bool ok, string rule)
        {
            if (!ok)
            {
                violations.Add(rule);
            }
        }

        var podContext = pod.SecurityContext ?? new V1PodSecurityContext();
        Check(pod.HostNetwork != true && pod.HostPID != true && pod.HostIPC != true, "no host namespaces");
        Check(podContext.RunAsUser != 0, "pod runAsUser is not 0");
        Check(podContext.Sysctls is null or { Count: 0 }, "no sysctls");
        foreach (var volume in pod.Volumes ?? [])
        {
            var types = typeof(V1Volume).GetProperties().Where(p => p.Name != nameof(V1Volume.Name) && p.GetValue(volume) is not null).Select(p => p.Name).ToList();
            Check(types.All(RestrictedVolumeTypes.Contains), $"volume {volume.Name} is of a restricted type, not {string.Join(", ", types)}");
        }

        foreach (var container in (pod.InitContainers ?? []).Concat(pod.Containers))
        {
            var context = container.SecurityContext ?? new V1SecurityContext();
            var name = container.Name;
            Check(context.Privileged != true, $"{name}: not privileged");
            Check(context.AllowPrivilegeEscalation == false, $"{name}: allowPrivilegeEscalation false");
            Check(context.Capabilities?.Drop?.Contains("ALL") == true, $"{name}: capabilities drop ALL");
            Check((context.Capabilities?.Add ?? []).All(c => c == "NET_BIND_SERVICE"), $"{name}: adds no capability but NET_BIND_SERVICE");
            Check((context.RunAsNonRoot ?? podContext.RunAsNonRoot) == true, $"{name}: runAsNonRoot true");
            Check((context.RunAsUser ?? podContext.RunAsUser) != 0, $"{name}: runAsUser is not 0");
            Check((context.SeccompProfile ?? podContext.SeccompProfile)?.Type is "RuntimeDefault" or "Localhost", $"{name}: seccomp RuntimeDefault");
            Check(context.ProcMount is null or "Default", $"{name}: default /proc mount");
            Check((container.Ports ?? []).All(p => p.HostPort is null or 0), $"{name}: no host ports");
            Check(context.ReadOnlyRootFilesystem == true, $"{name}: read-only root file system");
            Check(container.Resources?.Requests?.ContainsKey("memory") == true && container.Resources.Limits?.ContainsKey("memory") == true,
                $"{name}: memory request and limit set");
            Check(container.Resources?.Requests?.ContainsKey("cpu") == true, $"{name}: cpu request set");
        }

        return violations;
    }
}
