import type { Connection } from 'mongoose';
import { newId } from '../db/model.js';
import { GoneError, NotFoundError } from '../http/errors.js';
import { portalLinkModel, portalSessionModel, type PortalSessionDoc } from './model.js';
import { hashToken, newToken, TOKEN_PATTERN } from './tokens.js';

export interface PortalPolicy {
  linkTtlMinutes: number;
  idleMinutes: number;
  maxHours: number;
}

const TOUCH_EVERY_MS = 60_000;

/** The address a link token opens: `<base>/portal/session/start?token=…`. */
export const signInUrl = (baseUrl: string, token: string): string => `${baseUrl.replace(/\/$/, '')}/portal/session/start?token=${token}`;
const PURGE_EVERY_MS = 60_000;

/** When the session ends if it is not used again. */
export const idleExpiry = (session: Pick<PortalSessionDoc, 'lastSeenAt' | 'expiresAt'>, policy: PortalPolicy): Date =>
  new Date(Math.min(session.lastSeenAt.getTime() + policy.idleMinutes * 60_000, session.expiresAt.getTime()));

/** Sign-in links and the sessions they start. Tokens are kept only as hashes. */
export function createPortalService(connection: Connection, policy: PortalPolicy) {
  const Links = portalLinkModel(connection);
  const Sessions = portalSessionModel(connection);
  let lastPurge = 0;

  /** Expired links and sessions go at most once a minute (no TTL index on the embedded database). */
  const purge = async (now: Date) => {
    if (now.getTime() - lastPurge < PURGE_EVERY_MS) return;
    lastPurge = now.getTime();
    await Links.deleteMany({ expiresAt: { $lt: new Date(now.getTime() - 24 * 3_600_000) } });
    await Sessions.deleteMany({ expiresAt: { $lt: now } });
  };

  return {
    /** A new single-use link token, valid for the link TTL. */
    async createLink(workspaceId: string, signedInAs: string, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
      const token = newToken('nhx_pl_');
      const expiresAt = new Date(now.getTime() + policy.linkTtlMinutes * 60_000);
      await Links.create({ _id: hashToken(token), workspaceId, signedInAs, createdAt: now, expiresAt, usedAt: null });
      return { token, expiresAt };
    },

    /** Uses a link once (a conditional update has one winner) and starts a session; 404 unknown, 410 used or expired. */
    async startSession(linkToken: string, now = new Date()): Promise<{ token: string; session: PortalSessionDoc }> {
      await purge(now);
      const hash = TOKEN_PATTERN.test(linkToken) ? hashToken(linkToken) : '';
      const link = await Links.findOneAndUpdate({ _id: hash, usedAt: null, expiresAt: { $gt: now } }, { $set: { usedAt: now } }, { returnDocument: 'after' }).lean();
      if (!link) {
        const known = hash ? await Links.exists({ _id: hash }) : null;
        if (!known) throw new NotFoundError('The sign-in link', 'portal_link_not_found');
        throw new GoneError('This sign-in link was used already or has expired: ask for a new one.', 'portal_link_expired');
      }
      const token = newToken('nhx_ps_');
      const session: PortalSessionDoc = {
        _id: hashToken(token),
        sessionId: newId('psn'),
        workspaceId: link.workspaceId,
        signedInAs: link.signedInAs,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + policy.maxHours * 3_600_000),
      };
      await Sessions.create(session);
      return { token, session };
    },

    /** The live session of a cookie token, renewing its idle time; null when unknown or ended. */
    async authenticate(token: string, now = new Date()): Promise<PortalSessionDoc | null> {
      if (!TOKEN_PATTERN.test(token)) return null;
      const session = await Sessions.findById(hashToken(token)).lean<PortalSessionDoc>();
      if (!session || idleExpiry(session, policy) <= now) return null;
      if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
        await Sessions.updateOne({ _id: session._id }, { $set: { lastSeenAt: now } });
        return { ...session, lastSeenAt: now };
      }
      return session;
    },

    async signOut(token: string): Promise<void> {
      if (TOKEN_PATTERN.test(token)) await Sessions.deleteOne({ _id: hashToken(token) });
    },
  };
}

export type PortalService = ReturnType<typeof createPortalService>;
