# The nianbao worker (and CLI) image. Everything it needs installs from npm: pdf.js,
# tesseract.js with its chi_sim/eng models, @napi-rs/canvas (a prebuilt binary).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY workers ./workers
RUN npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production DATA_DIR=/data
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
VOLUME /data
ENTRYPOINT ["node", "bin/nianbao.mjs"]
CMD ["worker"]
