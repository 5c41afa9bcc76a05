import type { formErrors as en } from '../en/form-errors.js';
import type { Messages } from '../types.js';

/** Wat forms.js zegt bij een foutcode van de API op de beheerschermen (`js.err.<CODE>`). */
export const formErrors: Messages<typeof en> = {
  'js.err.BAKEN_ERR_VALIDATION': 'een veld ontbreekt of is niet goed ingevuld',
  'js.err.BAKEN_ERR_BAD_REQUEST': 'het verzoek werd niet begrepen',
  'js.err.BAKEN_ERR_NOT_FOUND': 'het bestaat niet meer — laad de pagina opnieuw',
  'js.err.BAKEN_ERR_UNAUTHENTICATED': 'u bent uitgelogd — log opnieuw in',
  'js.err.BAKEN_ERR_FORBIDDEN': 'uw rol mag dit niet',
  'js.err.BAKEN_ERR_CSRF': 'de pagina is verouderd — laad haar opnieuw en probeer het nog eens',
  'js.err.BAKEN_ERR_RATE_LIMITED': 'te veel verzoeken — wacht een minuut en probeer het opnieuw',
  'js.err.BAKEN_ERR_CONFLICT': 'dit botst met wat er al is opgeslagen',
  'js.err.BAKEN_ERR_LAST_ADMIN': 'dan blijft er geen beheerder over',
  'js.err.BAKEN_ERR_KEYSAFE_UNAVAILABLE': 'de sleutelkluis is nu niet bereikbaar',
  'js.err.BAKEN_ERR_KEYSAFE_NO_KEY': 'de server heeft nog geen sleutel voor deze sleutelkluis',
  'js.err.BAKEN_ERR_STORAGE_FULL':
    'de schijf van de server is vol, er is niets opgeslagen — waarschuw de beheerder',
  'js.err.BAKEN_ERR_STORAGE_READ_ONLY':
    'de server kan niet naar zijn schijf schrijven, er is niets opgeslagen — waarschuw de beheerder',
  'js.err.BAKEN_ERR_STORAGE_IO':
    'de schijf van de server faalt, er is niets opgeslagen — waarschuw de beheerder',
  'js.err.BAKEN_ERR_INTERNAL': 'er ging iets mis op de server — probeer het opnieuw of bel de helpdesk',
};
