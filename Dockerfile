# syntax=docker/dockerfile:1.7
# Multi-stage build: compile TypeScript with dev dependencies, ship only the
# compiled output, migrations and production dependencies, as a non-root user.
# The Strava simulator (packages/strava-sim, a workspace) is built here only for
# its type declarations and never shipped: sandbox mode is development-only and
# loads it lazily (docs/sandbox.md#where-the-simulator-lives).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/strava-sim/package.json ./packages/strava-sim/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY packages/strava-sim/tsconfig.json packages/strava-sim/tsconfig.build.json ./packages/strava-sim/
COPY packages/strava-sim/src ./packages/strava-sim/src
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim AS deps
WORKDIR /app
# No packages/ here: without the workspace folder npm installs everything but the simulator.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
# NODE_OPTIONS: a heap sized for one process of RampGuard, web or worker, within 150 MiB of RSS
# (docs/scaling.md#memory): old generation capped at 96 MiB (V8 collects rather than grows; past it
# the process dies and is restarted), semi-spaces at 4 MiB instead of Node's default 16 (young
# generation 12 MiB, not 48). Replace it as a whole through the container's environment.
# The benchmarks read this line and start every process with it (bench/README.md).
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/app/data \
    NODE_OPTIONS="--max-old-space-size=96 --max-semi-space-size=4"
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node migrations ./migrations
COPY --chown=node:node package.json ./
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# /healthz is liveness; orchestrators should use /readyz for routing.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# exec form: node is PID 1's direct child of nothing, so SIGTERM reaches it and shutdown runs in order.
CMD ["node", "dist/main.js"]
