# deploy/docker/presence.Dockerfile -- who is online (heartbeats, timers, broadcasts).
# Build from the repository root, so lib/ is shared (docker compose does):
#   docker build -f deploy/docker/presence.Dockerfile -t iseecubes/presence .
# Stage 1 builds on debian:bookworm; it is the same in every Dockerfile of
# this directory (the layers are built once). Stage 2 runs on
# debian:bookworm-slim with the runtime libraries only, as user iseecubes
# (uid 10001). Settings: the environment (`presence --help`, docs/deploy.md).

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
       libhiredis0.14 libsodium23 libmicrohttpd12 libjwt0 libssl3 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 iseecubes \
    && useradd --system --uid 10001 --gid iseecubes --home-dir /nonexistent \
       --no-create-home --shell /usr/sbin/nologin iseecubes
COPY --from=build /out/bin/presence /out/bin/iseecubes-probe /usr/local/bin/
ENV HEALTH_BIND=0.0.0.0 PRESENCE_HEALTH_PORT=9083 REDIS_HOST=redis REDIS_PORT=6379
USER iseecubes:iseecubes
EXPOSE 9083
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
    CMD ["iseecubes-probe", "PRESENCE_HEALTH_PORT"]
ENTRYPOINT ["presence"]
