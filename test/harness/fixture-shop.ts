import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createDemoRouter } from '../../server/demo/demo-router.ts';
import type { ShopDesign } from '../../server/demo/shop-pages.ts';

export type FixtureShop = {
  /** Origin of the shop; its pages are under /shop. */
  url: string;
  /** Switches the design every later request gets (the search button renamed and moved, results as cards). */
  setDesign(design: ShopDesign): void;
  close(): Promise<void>;
};

/** The demo site's shop on its own loopback port, with a design a test can change between runs. */
export async function startFixtureShop(): Promise<FixtureShop> {
  let design: ShopDesign = 'classic';
  const app = express();
  app.use(createDemoRouter({ shopDesign: () => design }));
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setDesign(next) {
      design = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
