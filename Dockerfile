# One image for the server and the runner; docker-compose.yml picks the command.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:ui

FROM node:24-bookworm-slim
# Debian's Chromium for the runner (Playwright's own browser download is not used).
RUN apt-get update \
  && apt-get install -y --no-install-recommends chromium fonts-liberation ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production CHROME_PATH=/usr/bin/chromium
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/chat-ui/dist ./chat-ui/dist
COPY protocol ./protocol
COPY server ./server
COPY agent-runner ./agent-runner
COPY prompts ./prompts
USER node
CMD ["node", "server/main.ts"]
