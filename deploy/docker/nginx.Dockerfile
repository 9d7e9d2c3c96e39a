# deploy/docker/nginx.Dockerfile -- nginx, the one public port (5000).
# Build from the repository root (docker compose does):
#   docker build -f deploy/docker/nginx.Dockerfile -t iseecubes/nginx .
# The config is rendered at build time from the same template as the local
# stack's (deploy/nginx/nginx.conf.tmpl, in DNS mode: deploy/docker/
# render-nginx.sh) and checked with `nginx -t` before the image is done.
# Stage 1 is the build stage every Dockerfile here shares (for the health
# probe); stage 2 is debian:bookworm-slim with Debian's nginx 1.22 (the
# version the tests run), as user iseecubes. Build argument:
# TRUSTED_PROXIES, addresses/CIDRs of a proxy in front (TLS) whose
# X-Forwarded-For nginx believes (docs/deploy.md, "TLS in front").

FROM debian:bookworm AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       build-essential pkg-config libmicrohttpd-dev libwebsockets-dev \
       libhiredis-dev libpq-dev libjansson-dev libjwt-dev libcurl4-openssl-dev \
       libsodium-dev libssl-dev libev-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Makefile ./
COPY tests/module.mk tests/
COPY lib/ lib/
COPY services/ services/
COPY deploy/ deploy/
# every service at once, so all six images share this stage; /out holds
# what the runtime stages copy (stripped binaries, the probe, data files)
RUN make -j"$(nproc)" build/bin/auth build/bin/iseecubes-admin \
       build/bin/gateway build/bin/presence build/bin/relay build/bin/ai-bridge \
    && cc -std=c11 -O2 -Wall -Wextra -Werror -D_DEFAULT_SOURCE \
       -o build/bin/iseecubes-probe deploy/docker/probe.c \
    && install -d /out/bin /out/share/iseecubes \
    && install -s -m 0755 build/bin/auth build/bin/iseecubes-admin \
       build/bin/gateway build/bin/presence build/bin/relay \
       build/bin/ai-bridge build/bin/iseecubes-probe /out/bin/ \
    && install -m 0755 deploy/docker/gateway-entrypoint.sh /out/bin/gateway-entrypoint \
    && cp -r deploy/users.json deploy/docker/users-bots.json deploy/migrations \
       /out/share/iseecubes/ \
    && cp deploy/bots.json /out/share/iseecubes/


FROM debian:bookworm-slim
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       nginx \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 iseecubes \
    && useradd --system --uid 10001 --gid iseecubes --home-dir /nonexistent \
       --no-create-home --shell /usr/sbin/nologin iseecubes \
    && install -d -o iseecubes -g iseecubes /var/lib/iseecubes/nginx \
       /var/lib/iseecubes/nginx/logs /var/lib/iseecubes/nginx/tmp
COPY --from=build /out/bin/iseecubes-probe /usr/local/bin/
COPY deploy/nginx/ /usr/share/iseecubes/deploy/nginx/
COPY deploy/docker/render-nginx.sh /usr/share/iseecubes/deploy/docker/
ARG TRUSTED_PROXIES=
RUN install -d /etc/iseecubes \
    && PREFIX=/var/lib/iseecubes/nginx TRUSTED_PROXIES="$TRUSTED_PROXIES" \
       sh /usr/share/iseecubes/deploy/docker/render-nginx.sh >/etc/iseecubes/nginx.conf
USER iseecubes:iseecubes
# fails the build on a config nginx rejects (names are resolved per
# request, so this needs no DNS)
RUN nginx -t -q -p /var/lib/iseecubes/nginx -c /etc/iseecubes/nginx.conf -e stderr
EXPOSE 5000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 \
    CMD ["iseecubes-probe", "5000", "/nginx-healthz"]
ENTRYPOINT ["nginx", "-g", "daemon off;", "-p", "/var/lib/iseecubes/nginx", \
            "-c", "/etc/iseecubes/nginx.conf", "-e", "stderr"]
