import express from 'express';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { dashboardPage } from './dashboard-page.ts';
import { sendDemoPage } from './demo-page.ts';
import { createDemoSessions, DEMO_SESSION_COOKIE } from './demo-session.ts';
import { formPage } from './form-page.ts';
import { indexPage } from './index-page.ts';
import { loginPage } from './login-page.ts';
import { PRODUCTS, shopHomePage, shopNotFoundPage, shopProductPage, shopResultsPage, type ShopDesign } from './shop-pages.ts';

/** The one account of the demo; the login page says so. */
export const DEMO_ACCOUNT = { email: 'alice@example.com', password: 'secret' } as const;

// Anything odd in a form (a missing field, a repeated one) reads as an empty value: a failed sign-in, not a 400.
const LoginFormSchema = z.object({
  email: z.string().trim().max(320).catch(''),
  password: z.string().max(1000).catch(''),
});
const FormQuerySchema = z.object({ q: z.string().max(200).catch('') });
const SearchQuerySchema = z.object({ q: z.string().max(200).catch(''), page: z.coerce.number().int().min(1).max(1_000).catch(1) });
const ProductParamsSchema = z.object({ id: z.coerce.number().int().catch(0) });

export type DemoRouterOptions = {
  /** Which design the shop shows; tests change it between runs to make compiled steps heal. Default classic. */
  shopDesign?: () => ShopDesign;
};

/**
 * skipper's own demo site, so a first run works without internet: a sign-in form, a dashboard
 * behind it, a page of other controls, and a small shop (search, results over two pages,
 * products) for AI steps. Mounted by the server at `/demo`; links follow the mount point.
 */
export function createDemoRouter({ shopDesign = () => 'classic' }: DemoRouterOptions = {}): Router {
  const router = express.Router();
  const sessions = createDemoSessions();
  const cookieOptions = (req: Request) => ({ httpOnly: true, sameSite: 'lax' as const, path: req.baseUrl || '/' });

  router.get('/', (req, res) => sendDemoPage(res, indexPage(req.baseUrl)));

  router.get('/login', (req, res) => sendDemoPage(res, loginPage({ base: req.baseUrl })));

  router.post('/login', express.urlencoded({ extended: false, limit: '10kb' }), (req, res) => {
    const form = LoginFormSchema.parse(req.body ?? {});
    if (form.email.toLowerCase() !== DEMO_ACCOUNT.email || form.password !== DEMO_ACCOUNT.password) {
      sendDemoPage(res, loginPage({ base: req.baseUrl, email: form.email, failed: true }));
      return;
    }
    res.cookie(DEMO_SESSION_COOKIE, sessions.issue(DEMO_ACCOUNT.email), cookieOptions(req));
    redirect(req, res, '/dashboard');
  });

  router.get('/logout', (req, res) => {
    res.clearCookie(DEMO_SESSION_COOKIE, cookieOptions(req));
    redirect(req, res, '/login');
  });

  router.get('/dashboard', (req, res) => {
    const email = sessions.read(req.headers.cookie);
    if (email === undefined) {
      redirect(req, res, '/login');
      return;
    }
    sendDemoPage(res, dashboardPage({ base: req.baseUrl, email }));
  });

  router.get('/form', (req, res) => {
    const { q } = FormQuerySchema.parse(req.query);
    sendDemoPage(res, formPage({ base: req.baseUrl, query: q }));
  });

  router.get('/shop', (req, res) => sendDemoPage(res, shopHomePage({ base: req.baseUrl, design: shopDesign() })));

  router.get('/shop/search', (req, res) => {
    const { q, page } = SearchQuerySchema.parse(req.query);
    sendDemoPage(res, shopResultsPage({ base: req.baseUrl, design: shopDesign(), query: q, page }));
  });

  router.get('/shop/product/:id', (req, res) => sendProduct(req, res, false));
  router.post('/shop/product/:id/cart', (req, res) => sendProduct(req, res, true));

  return router;
}

function sendProduct(req: Request, res: Response, added: boolean): void {
  const product = PRODUCTS.find((candidate) => candidate.id === ProductParamsSchema.parse(req.params).id);
  sendDemoPage(res, product ? shopProductPage({ base: req.baseUrl, product, added }) : shopNotFoundPage({ base: req.baseUrl }));
}

/** 303 so the browser follows with a GET, whatever method brought it here. */
function redirect(req: Request, res: Response, path: string): void {
  res.redirect(303, `${req.baseUrl}${path}`);
}
