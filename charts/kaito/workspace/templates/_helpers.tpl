{{/* Kind this chart reconciles and admits. */}}
{{- define "kaito.component" -}}workspace{{- end -}}

{{/* Kinds this chart's webhooks admit: its own, and InferenceSets (made of Workspaces) unless their controller is off. */}}
{{- define "kaito.admittedComponents" -}}workspace{{ if include "kaito.inferenceSetController" . }} inferenceset{{ end }}{{- end -}}

{{/* Non-empty when the InferenceSet controller runs (feature gate enableInferenceSetController, default true). */}}
{{- define "kaito.inferenceSetController" -}}{{ if ne (toString (index .Values.operator.featureGates "enableInferenceSetController")) "false" }}true{{ end }}{{- end -}}

{{- define "kaito.name" -}}kaito-{{ include "kaito.component" . }}{{- end -}}

{{- define "kaito.fullname" -}}{{ .Release.Name | trunc 50 | trimSuffix "-" }}{{- end -}}

{{- define "kaito.labels" -}}
app.kubernetes.io/name: {{ include "kaito.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{- define "kaito.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kaito.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "kaito.certSecret" -}}{{ include "kaito.fullname" . }}-webhook-cert{{- end -}}

{{- define "kaito.featureGates" -}}
{{- $gates := list -}}
{{- range $name, $on := .Values.operator.featureGates }}{{ $gates = append $gates (printf "%s=%t" $name $on) }}{{ end -}}
{{- join "," $gates -}}
{{- end -}}

{{/* clientConfig of one webhook path: the URL when set, else this release's Service. */}}
{{- define "kaito.clientConfig" -}}
{{- if .root.Values.webhook.url }}
url: {{ printf "%s%s" (trimSuffix "/" .root.Values.webhook.url) .path | quote }}
{{- else }}
service:
  name: {{ include "kaito.fullname" .root }}
  namespace: {{ .root.Release.Namespace }}
  path: {{ .path | quote }}
  port: 443
{{- end }}
{{- end -}}

{{/* Settings every webhook shares; called with (dict "root" $ "component" "workspace"). */}}
{{- define "kaito.webhookCommon" -}}
admissionReviewVersions: ["v1"]
sideEffects: None
failurePolicy: {{ .root.Values.webhook.failurePolicy }}
matchPolicy: Equivalent
timeoutSeconds: {{ .root.Values.webhook.timeoutSeconds }}
namespaceSelector:
{{- with .root.Values.webhook.namespaceSelector }}
  {{- toYaml . | nindent 2 }}
{{- else }}
  matchExpressions:
    - {key: kaito.sh/admission, operator: NotIn, values: ["disabled"]}
    - {key: kubernetes.io/metadata.name, operator: NotIn, values: [{{ list "kube-system" .root.Release.Namespace | sortAlpha | uniq | join ", " }}]}
{{- end }}
rules:
  - apiGroups: ["kaito.sh"]
    apiVersions: ["v1alpha1", "v1beta1"]
    operations: ["CREATE", "UPDATE"]
    resources: ["{{ .component }}s"]
    scope: Namespaced
{{- end -}}
