# The webhook image: pdns-webhook compiled with NativeAOT (one executable, no .NET runtime, no JIT) on
# runtime-deps:chiseled, which has no shell and no package manager, only glibc, OpenSSL and CA certificates. Non-root,
# HTTPS on 8443.
# Multi-arch: the SDK stage runs on the build machine and compiles for the target architecture, with a cross linker
# when the two differ.
#   docker buildx build --platform linux/amd64 --build-arg VERSION=1.2.3 -t pdns-webhook:1.2.3 .
#   docker buildx build --platform linux/amd64,linux/arm64 --build-arg TARGET_APT_MIRROR=<Ubuntu ports mirror URL> ...
# publish-check.sh replays the build stage without Docker; CI runs it (tests/Publish.Tests) and starts the result in a
# Debian root file system without .NET. Keep COPY to the same paths; a RUN may continue over lines ending in \.
ARG DOTNET_VERSION=10.0

# The -aot SDK image carries clang, lld and the native libraries NativeAOT links against.
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION}-noble-aot AS build
ARG TARGETARCH
ARG BUILDARCH
WORKDIR /src
# Cross-compiling (arm64 on an amd64 builder, or the reverse) links against the target's C library and zlib, from an
# Ubuntu mirror that serves the target architecture: given as TARGET_APT_MIRROR (no mirror is named in this project).
ARG TARGET_APT_MIRROR=
RUN if [ "$TARGETARCH" != "$BUILDARCH" ]; then \
      [ -n "$TARGET_APT_MIRROR" ] || { echo "cross-compiling to $TARGETARCH: pass --build-arg TARGET_APT_MIRROR=<an Ubuntu mirror URL serving $TARGETARCH packages>" >&2; exit 1; }; \
      case $TARGETARCH in arm64) gnu=aarch64-linux-gnu ;; amd64) gnu=x86-64-linux-gnu ;; *) echo "unsupported TARGETARCH $TARGETARCH" >&2; exit 1 ;; esac; \
      sed -i "/^Signed-By/a Architectures: $BUILDARCH" /etc/apt/sources.list.d/ubuntu.sources; \
      printf 'Types: deb\nURIs: %s\nSuites: noble noble-updates\nComponents: main\nSigned-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg\nArchitectures: %s\n' \
        "$TARGET_APT_MIRROR" "$TARGETARCH" >/etc/apt/sources.list.d/target.sources; \
      dpkg --add-architecture "$TARGETARCH" && apt-get update && \
      apt-get install -y --no-install-recommends "gcc-$gnu" "zlib1g-dev:$TARGETARCH" && rm -rf /var/lib/apt/lists/*; \
    fi
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
