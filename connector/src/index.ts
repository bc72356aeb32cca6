import { defineApp, version as platformVersion } from 'zapier-platform-core';
import authentication from './authentication.js';
import captureLead from './creates/captureLead.js';
import resolveConversation from './creates/resolveConversation.js';
import sendMessage from './creates/sendMessage.js';
import { addBearerKey, handleApiErrors } from './middleware.js';
import { connectorVersion } from './version.js';
import findConversation from './searches/findConversation.js';
import findLead from './searches/findLead.js';
import conversationEscalation from './triggers/conversationEscalation.js';
import conversationFallback from './triggers/conversationFallback.js';
import { conversationResolved, newConversation } from './triggers/conversationPolls.js';
import leadCaptured from './triggers/leadCaptured.js';
import listBots from './triggers/listBots.js';
import listConversations from './triggers/listConversations.js';
import messageSent from './triggers/messageSent.js';
import orderLookup from './triggers/orderLookup.js';
import { pollingTwins } from './triggers/pollingTwins.js';

export default defineApp({
  version: connectorVersion,
  platformVersion,
  authentication,
  // throwForThrottlingEarly: our afterResponse turns 429 into a ThrottledError carrying the
  // server's Retry-After; core would otherwise throw its own generic one first.
  // skipHttpPatch: core's patch of Node's http/https only logs calls made outside z.request,
  // and every call here goes through z.request; the patch is process-wide and outlives the
  // app (in tests, it pinned each jest worker's HTTP stack to the first file that ran).
  flags: { throwForThrottlingEarly: false, skipHttpPatch: true },
  beforeRequest: [addBearerKey],
  afterResponse: [handleApiErrors],
  triggers: {
    [leadCaptured.key]: leadCaptured,
    [conversationEscalation.key]: conversationEscalation,
    [conversationFallback.key]: conversationFallback,
    [messageSent.key]: messageSent,
    [orderLookup.key]: orderLookup,
    [newConversation.key]: newConversation,
    [conversationResolved.key]: conversationResolved,
    ...Object.fromEntries(pollingTwins.map((trigger) => [trigger.key, trigger])),
    [listBots.key]: listBots,
    [listConversations.key]: listConversations,
  },
  creates: {
    [sendMessage.key]: sendMessage,
    [resolveConversation.key]: resolveConversation,
    [captureLead.key]: captureLead,
  },
  searches: {
    [findConversation.key]: findConversation,
    [findLead.key]: findLead,
  },
  // "Find or Capture Lead": a Zap looks the lead up by email and captures it only when it is new.
  searchOrCreates: {
    [findLead.key]: {
      key: findLead.key,
      display: { label: 'Find or Capture Lead', description: 'Finds a lead by email address, and captures it on a conversation when there is none.' },
      search: findLead.key,
      create: captureLead.key,
    },
  },
});
