# The webhook image: pdns-webhook published trimmed, self-contained and ReadyToRun (src/Webhook/Webhook.csproj says
# why not NativeAOT) on runtime-deps:chiseled, which has no shell, no package manager and no .NET. Non-root, HTTPS on 8443.
# Multi-arch: the SDK stage runs on the build machine and publishes for the target architecture.
#   docker buildx build --platform linux/amd64,linux/arm64 --build-arg VERSION=1.2.3 -t pdns-webhook:1.2.3 .
# publish-check.sh replays the build stage without Docker; CI runs it (tests/Publish.Tests) and starts the result in a
# Debian root file system without the .NET SDK. Keep its instructions on single lines, with COPY to the same paths.
ARG DOTNET_VERSION=10.0

FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION}-noble AS build
ARG TARGETARCH
WORKDIR /src
# The packages first, from the project files only, so that a source change reuses this layer.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/PowerDnsClient/PowerDnsClient.csproj src/PowerDnsClient/
COPY src/Webhook/Webhook.csproj src/Webhook/
RUN dotnet restore src/Webhook/Webhook.csproj -a "$TARGETARCH"
COPY src/ src/
RUN dotnet publish src/Webhook/Webhook.csproj -c Release -a "$TARGETARCH" --no-restore -o /app

FROM mcr.microsoft.com/dotnet/runtime-deps:${DOTNET_VERSION}-noble-chiseled
ARG DOTNET_VERSION
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG SOURCE=
LABEL org.opencontainers.image.title="pdns-webhook" \
      org.opencontainers.image.description="cert-manager ACME DNS-01 webhook for PowerDNS" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.base.name="mcr.microsoft.com/dotnet/runtime-deps:${DOTNET_VERSION}-noble-chiseled"
# The base image asks for a plain-HTTP listener on 8080; the webhook serves only HTTPS, on --secure-port (8443).
ENV ASPNETCORE_HTTP_PORTS=
COPY --from=build /app /app
USER $APP_UID
EXPOSE 8443
ENTRYPOINT ["/app/pdns-webhook"]
