import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { TargetRefusedError, checkTargetUrl, guardedLookup, isPublicAddress, type TargetPolicy } from './ssrf.js';

const STRICT: TargetPolicy = { allowHttp: false, allowPrivate: false };
const LOCAL_DEV: TargetPolicy = { allowHttp: true, allowPrivate: true };
const resolvesTo = (...addresses: string[]) => async () => addresses;

describe('isPublicAddress', () => {
  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808', // NAT64 of 8.8.8.8
    '2002:808:808::1', // 6to4 of 8.8.8.8
    '2001:0:4136:e378:8000:63bf:f7f7:f7f7', // Teredo: public server, client 8.8.8.8
  ])('accepts public %s', (address) => expect(isPublicAddress(address)).toBe(true));

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'cloud metadata'],
    ['169.254.0.1', 'link-local'],
    ['100.64.0.1', 'CGNAT'],
    ['100.127.255.254', 'CGNAT'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'this network'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local with zone'],
    ['fc00::1', 'unique local'],
    ['fd00:ec2::254', 'AWS metadata'],
    ['ff02::1', 'multicast'],
    ['fec0::1', 'deprecated site-local'],
    ['2001:db8::1', 'documentation'],
    ['100::1', 'discard'],
    ['::7f00:1', 'IPv4-compatible loopback'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
    ['::ffff:0:10.0.0.1', 'IPv4-translated private'],
    ['64:ff9b::7f00:1', 'NAT64 of loopback'],
    ['64:ff9b:1::a00:1', 'NAT64 local-use'],
    ['2002:7f00:1::1', '6to4 of loopback'],
    ['2002:c0a8:101::1', '6to4 of private'],
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'Teredo with private client 10.0.0.1'],
    ['127.1', 'non-canonical IPv4'],
    ['localhost', 'a name, not an address'],
    ['', 'empty'],
  ])('refuses %s (%s)', (address) => expect(isPublicAddress(address)).toBe(false));
});

describe('checkTargetUrl', () => {
  const refusal = async (url: string, policy = STRICT, resolve?: () => Promise<string[]>) => {
    const error = await checkTargetUrl(url, policy, resolve).then(() => undefined, (caught: unknown) => caught);
    if (!(error instanceof TargetRefusedError)) throw new Error(`expected ${url} to be refused`);
    return error.reason;
  };

  it('accepts an https URL whose host resolves to public addresses only', async () => {
    await expect(checkTargetUrl('https://hooks.example.com/in', STRICT, resolvesTo('93.184.216.34', '2606:2800:220:1::1'))).resolves.toBeUndefined();
    await expect(checkTargetUrl('https://93.184.216.34:8443/in', STRICT, resolvesTo())).resolves.toBeUndefined();
  });

  it('refuses a host when any one of its addresses is private, without naming the address', async () => {
    const reason = await refusal('https://hooks.example.com/in', STRICT, resolvesTo('93.184.216.34', '10.0.0.5'));
    expect(reason).toMatch(/hooks\.example\.com.*public addresses only/);
    expect(reason).not.toContain('10.0.0.5');
  });

  it('refuses localhost, which resolves to a loopback address, unless private targets are allowed', async () => {
    expect(await refusal('https://localhost:8443/in')).toMatch(/localhost/);
    await expect(checkTargetUrl('https://localhost:8443/in', { allowHttp: false, allowPrivate: true })).resolves.toBeUndefined();
  });

  it('refuses private IP literals in every spelling the URL parser accepts', async () => {
    for (const url of ['https://127.0.0.1/', 'https://[::1]/', 'https://0x7f.1/', 'https://2130706433/', 'https://[::ffff:a9fe:a9fe]/']) {
      expect(await refusal(url, STRICT, resolvesTo('93.184.216.34'))).toMatch(/public addresses only/);
    }
  });

  it('refuses http unless allowed, and other schemes always', async () => {
    expect(await refusal('http://93.184.216.34/in')).toBe('The target URL must use https.');
    await expect(checkTargetUrl('http://93.184.216.34/in', { allowHttp: true, allowPrivate: false })).resolves.toBeUndefined();
    expect(await refusal('ftp://93.184.216.34/in', LOCAL_DEV)).toBe('The target URL must use https or http.');
  });

  it('refuses relative or malformed URLs, credentials and hosts that do not resolve', async () => {
    expect(await refusal('/hooks/in')).toBe('The target URL is not a valid absolute URL.');
    expect(await refusal('https://user:secret@hooks.example.com/')).toMatch(/user name or password/);
    expect(await refusal('https://nowhere.example.com/', STRICT, resolvesTo())).toMatch(/could not be resolved/);
    const failing = () => Promise.reject(new Error('getaddrinfo ENOTFOUND internal-detail'));
    expect(await refusal('https://nowhere.example.com/', STRICT, failing)).not.toContain('internal-detail');
  });
});

describe('guardedLookup through a real undici Agent', () => {
  let server: Server;
  let received = 0;
  let port = 0;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      received += 1;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const send = async (policy: TargetPolicy) => {
    const agent = new Agent({ connect: { lookup: guardedLookup(policy) } });
    try {
      const response = await request(`http://localhost:${port}/hook`, { method: 'POST', body: '{}', dispatcher: agent });
      return { status: response.statusCode, body: await response.body.text() };
    } finally {
      await agent.close();
    }
  };

  it('refuses to connect to a host that resolves to 127.0.0.1 when private targets are not allowed', async () => {
    const before = received;
    await expect(send({ allowHttp: true, allowPrivate: false })).rejects.toBeInstanceOf(TargetRefusedError);
    expect(received).toBe(before);
  });

  it('connects when private targets are allowed', async () => {
    const before = received;
    await expect(send({ allowHttp: true, allowPrivate: true })).resolves.toEqual({ status: 200, body: 'ok' });
    expect(received).toBe(before + 1);
  });
});
