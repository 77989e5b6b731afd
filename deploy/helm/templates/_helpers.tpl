{{/* Names: <release>-pdns-webhook (or the overrides), and its components. */}}
{{- define "pdns-webhook.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "pdns-webhook.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The webhook's ServiceAccount: the one the chart creates, or an existing one, never the namespace's "default". */}}
{{- define "pdns-webhook.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- .Values.serviceAccount.name | default (include "pdns-webhook.fullname" .) }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "pdns-webhook.powerdns.fullname" -}}
{{- printf "%s-powerdns" (include "pdns-webhook.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The PostgreSQL backend's database: the CloudNativePG Cluster the chart renders (cluster.enabled), or the configured one. */}}
{{- define "pdns-webhook.powerdns.postgresql" -}}
{{- $pdns := .Values.powerdns }}
{{- if and $pdns.enabled (eq $pdns.backend "postgresql") }}
{{- with $pdns.postgresql }}
{{- if .cluster.enabled }}
{{- if or .host .existingSecret }}
{{- fail "powerdns.postgresql: set host and existingSecret, or cluster.enabled (which brings its own), not both" }}
{{- end }}
{{- /* CloudNativePG names the Services and the application user's Secret after the cluster. */}}
{{- $cluster := printf "%s-postgresql" (include "pdns-webhook.powerdns.fullname" $) | trunc 50 | trimSuffix "-" }}
{{- dict "cluster" $cluster "host" (printf "%s-rw" $cluster) "port" 5432 "secret" (printf "%s-app" $cluster) | toJson }}
{{- else }}
{{- dict "host" (required "powerdns.postgresql.host is required for powerdns.backend=postgresql (or set powerdns.postgresql.cluster.enabled)" .host)
    "port" (.port | int)
    "secret" (required "powerdns.postgresql.existingSecret (a Secret with username and password) is required for powerdns.backend=postgresql" .existingSecret)
    | toJson }}
{{- end }}
{{- end }}
{{- else if gt (int $pdns.replicas) 1 }}
{{- fail (printf "powerdns.replicas is %d: more than one replica needs powerdns.backend=postgresql (SQLite is a file in one pod's volume)" (int $pdns.replicas)) }}
{{- else }}
{{- dict | toJson }}
{{- end }}
{{- end }}

{{/* The headless Service naming every PowerDNS replica (one A/AAAA record per ready pod), for the Issuer's instances. */}}
{{- define "pdns-webhook.powerdns.instances" -}}
{{- printf "%s-instances" (include "pdns-webhook.powerdns.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The serving certificate and its Secret; the APIService's inject-ca-from names it. */}}
{{- define "pdns-webhook.servingCertificate" -}}
{{- printf "%s-webhook-tls" (include "pdns-webhook.fullname" .) }}
{{- end }}

{{- define "pdns-webhook.powerdns.apiKeySecretName" -}}
{{- .Values.powerdns.apiKey.existingSecret | default (printf "%s-api-key" (include "pdns-webhook.powerdns.fullname" .)) }}
{{- end }}

{{- define "pdns-webhook.clusterIssuer.name" -}}
{{- .Values.clusterIssuer.name | default (include "pdns-webhook.fullname" .) }}
{{- end }}

{{/* Namespaces where the webhook may read Secrets (default: cert-manager's), one per line. */}}
{{- define "pdns-webhook.secretNamespaces" -}}
{{- .Values.rbac.secretNamespaces | default (list .Values.certManager.namespace) | uniq | join "\n" }}
{{- end }}

{{/* Labels. Call with (dict "context" $ "component" "webhook"). */}}
{{- define "pdns-webhook.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .context.Chart.Name .context.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "pdns-webhook.selectorLabels" . }}
app.kubernetes.io/version: {{ .context.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .context.Release.Service }}
app.kubernetes.io/part-of: pdns-webhook
{{- end }}

{{- define "pdns-webhook.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pdns-webhook.name" .context }}
app.kubernetes.io/instance: {{ .context.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "pdns-webhook.image" -}}
{{- printf "%s:%s" .image.repository (.image.tag | default .context.Chart.AppVersion) }}
{{- end }}

{{/* --allowed-hosts: webhook.allowedHosts, else the bundled PowerDNS API Service (and its instances) and externalPowerDns.host. */}}
{{- define "pdns-webhook.allowedHosts" -}}
{{- $hosts := .Values.webhook.allowedHosts -}}
{{- if not $hosts -}}
{{- if .Values.powerdns.enabled -}}
{{- $hosts = append $hosts (printf "%s-api.%s.svc:%v" (include "pdns-webhook.powerdns.fullname" .) .Release.Namespace .Values.powerdns.api.port) -}}
{{- if eq .Values.powerdns.backend "postgresql" -}}
{{- /* The ClusterIssuer's instances: each replica's API, reached through the headless Service's addresses. */ -}}
{{- $hosts = append $hosts (printf "%s.%s.svc:%v" (include "pdns-webhook.powerdns.instances" .) .Release.Namespace .Values.powerdns.api.port) -}}
{{- end -}}
{{- end -}}
{{- with .Values.externalPowerDns.host -}}
{{- $hosts = append $hosts (urlParse .).host -}}
{{- end -}}
{{- end -}}
{{- join "," $hosts -}}
{{- end }}
