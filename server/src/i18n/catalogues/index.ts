import type { Locale } from '../locale.js';
import { en } from './en/index.js';
import { nl } from './nl/index.js';

export type MessageKey = keyof typeof en;

export const CATALOGUES: Record<Locale, Readonly<Record<MessageKey, string>>> = { nl, en };
