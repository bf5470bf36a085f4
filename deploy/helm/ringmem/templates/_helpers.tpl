{{/* The release's base name: the release name when it contains the chart name, else "<release>-<chart>". */}}
{{- define "ringmem.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "ringmem.serviceAccountName" -}}
{{- default (include "ringmem.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{/* Labels of pod templates and selectors: the same as the kustomize base (one release per namespace). */}}
{{- define "ringmem.podLabels" -}}
app.kubernetes.io/name: {{ default .Chart.Name .Values.nameOverride }}
app.kubernetes.io/part-of: ringmem
{{- end -}}

{{/* Object labels: the pod labels plus Helm's bookkeeping labels (ignored by the equivalence test). */}}
{{- define "ringmem.labels" -}}
{{ include "ringmem.podLabels" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "ringmem.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* "true" when the model is a Hugging Face id (hf:ORG/NAME), downloaded into hfCache instead of read from /models. */}}
{{- define "ringmem.hfModel" -}}
{{- if hasPrefix "hf:" .Values.model -}}true{{- end -}}
{{- end -}}

{{/* The --model argument. */}}
{{- define "ringmem.modelArg" -}}
{{- if include "ringmem.hfModel" . -}}$(RINGMEM_MODEL){{- else -}}/models/$(RINGMEM_MODEL){{- end -}}
{{- end -}}

{{/* An env var read from the ConfigMap. Args: list of root context and key. */}}
{{- define "ringmem.configEnv" -}}
{{- $root := index . 0 -}}
- name: {{ index . 1 }}
  valueFrom:
    configMapKeyRef:
      name: {{ include "ringmem.fullname" $root }}-config
      key: {{ index . 1 }}
{{- end -}}

{{/* Env vars of both roles after their own: the hf: cache and token. */}}
{{- define "ringmem.extraEnv" -}}
{{- if include "ringmem.hfModel" . }}
- name: RINGMEM_CACHE
  value: {{ .Values.hfCache.mountPath }}
{{- if .Values.hfCache.tokenSecret }}
- name: HF_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ .Values.hfCache.tokenSecret }}
      key: {{ .Values.hfCache.tokenSecretKey }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The three probes on the health endpoints of the container port "http". */}}
{{- define "ringmem.probes" -}}
startupProbe:
  httpGet:
    path: /health/live
    port: http
  {{- toYaml .Values.probes.startup | nindent 2 }}
readinessProbe:
  httpGet:
    path: /health/ready
    port: http
  {{- toYaml .Values.probes.readiness | nindent 2 }}
livenessProbe:
  httpGet:
    path: /health/live
    port: http
  {{- toYaml .Values.probes.liveness | nindent 2 }}
{{- end -}}

{{- define "ringmem.volumeMounts" -}}
{{- if include "ringmem.hfModel" . }}
- name: hf-cache
  mountPath: {{ .Values.hfCache.mountPath }}
{{- else }}
- name: models
  mountPath: /models
  readOnly: true
{{- end }}
- name: tmp
  mountPath: /tmp
- name: cluster-secret
  mountPath: {{ .Values.clusterSecret.mountPath }}
  readOnly: true
{{- if .Values.auth.existingSecret }}
- name: auth
  mountPath: {{ .Values.auth.mountPath }}
  readOnly: true
{{- end }}
{{- end -}}

{{- define "ringmem.volumes" -}}
{{- if include "ringmem.hfModel" . }}
- name: hf-cache
  {{- if .Values.hfCache.existingClaim }}
  persistentVolumeClaim:
    claimName: {{ .Values.hfCache.existingClaim }}
  {{- else }}
  emptyDir:
    sizeLimit: {{ .Values.hfCache.sizeLimit }}
  {{- end }}
{{- else }}
- name: models
  persistentVolumeClaim:
    claimName: {{ .Values.models.existingClaim | default (printf "%s-models" (include "ringmem.fullname" .)) }}
    readOnly: true
{{- end }}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
- name: cluster-secret
  secret:
    secretName: {{ .Values.clusterSecret.existingSecret }}
    defaultMode: 0440
{{- if .Values.auth.existingSecret }}
- name: auth
  secret:
    secretName: {{ .Values.auth.existingSecret }}
    defaultMode: 0440
{{- end }}
{{- end -}}

{{/* Pod-level settings shared by both roles. Args: list of root context and the role's values. */}}
{{- define "ringmem.podSettings" -}}
{{- $root := index . 0 -}}
{{- $role := index . 1 -}}
serviceAccountName: {{ include "ringmem.serviceAccountName" $root }}
terminationGracePeriodSeconds: {{ $root.Values.terminationGracePeriodSeconds }}
{{- with $root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml $root.Values.podSecurityContext | nindent 2 }}
{{- with $role.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $role.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The cluster flags both roles pass: bind the pod IP, the mounted cluster secret, the retention. */}}
{{- define "ringmem.clusterArgs" -}}
- --bind
- $(POD_IP)
- --http-bind
- 0.0.0.0
- --cluster-secret
- {{ printf "%s/%s" .Values.clusterSecret.mountPath .Values.clusterSecret.key }}
- --retention
- {{ .Values.retention.jobs | quote }}
- --document-retention
- {{ .Values.retention.documents | quote }}
{{- end -}}
