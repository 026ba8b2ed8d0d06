# Production image: build with the full toolchain, run with production dependencies only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bench ./bench
COPY test/support ./test/support
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
COPY schemas ./schemas
COPY fixtures ./fixtures
COPY bin ./bin
EXPOSE 3000
USER node
ENV METMEC_MAX_HEAP_MB=256 MALLOC_ARENA_MAX=4
CMD ["sh", "-c", "exec node --max-old-space-size=${METMEC_MAX_HEAP_MB} --max-semi-space-size=4 dist/src/server.js"]
