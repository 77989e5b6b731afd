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

{{- define "pdns-webhook.powerdns.fullname" -}}
{{- printf "%s-powerdns" (include "pdns-webhook.fullname" .) | trunc 63 | trimSuffix "-" }}
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

{{/* --allowed-hosts: webhook.allowedHosts, else the bundled PowerDNS API Service and externalPowerDns.host. */}}
{{- define "pdns-webhook.allowedHosts" -}}
{{- $hosts := .Values.webhook.allowedHosts -}}
{{- if not $hosts -}}
{{- if .Values.powerdns.enabled -}}
{{- $hosts = append $hosts (printf "%s-api.%s.svc:%v" (include "pdns-webhook.powerdns.fullname" .) .Release.Namespace .Values.powerdns.api.port) -}}
{{- end -}}
{{- with .Values.externalPowerDns.host -}}
{{- $hosts = append $hosts (urlParse .).host -}}
{{- end -}}
{{- end -}}
{{- join "," $hosts -}}
{{- end }}
