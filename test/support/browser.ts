import { join } from 'node:path';
import { tmpdir } from 'node:os';
import chromium from '@sparticuz/chromium';
import puppeteer, { type Browser } from 'puppeteer-core';

/**
 * Headless Chromium for tests, from the npm registry like any other dependency: the package
 * `@sparticuz/chromium` carries a brotli-compressed chrome-headless-shell in its tarball, which
 * it inflates into the temp directory on first use (about 2 s; it needs only glibc, expat and the
 * NSS that Java's runtime brings). No system browser, no download at install or run time.
 * puppeteer-core drives it over the DevTools protocol.
 */
export async function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: await chromium.executablePath(),
    args: [
      ...chromium.args,
      // The machine's network is closed: no background connections to Google's hosts.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    headless: 'shell',
    // The fonts the package ships (inflated beside the binary), so pages render the same anywhere.
    env: { ...process.env, FONTCONFIG_PATH: join(tmpdir(), 'fonts') },
  });
}
