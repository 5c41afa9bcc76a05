/**
 * What forms.js says for an API error code on the management screens (`js.err.<CODE>`): words a
 * person can act on; the code and the API's own detail follow them.
 */
export const formErrors = {
  'js.err.BAKEN_ERR_VALIDATION': 'a field is missing or not filled in correctly',
  'js.err.BAKEN_ERR_BAD_REQUEST': 'the request was not understood',
  'js.err.BAKEN_ERR_NOT_FOUND': 'it no longer exists — reload the page',
  'js.err.BAKEN_ERR_UNAUTHENTICATED': 'you are logged out — log in again',
  'js.err.BAKEN_ERR_FORBIDDEN': 'your role may not do this',
  'js.err.BAKEN_ERR_CSRF': 'the page is out of date — reload it and try again',
  'js.err.BAKEN_ERR_RATE_LIMITED': 'too many requests — wait a minute and try again',
  'js.err.BAKEN_ERR_CONFLICT': 'this clashes with what is stored already',
  'js.err.BAKEN_ERR_LAST_ADMIN': 'this would leave no administrator',
  'js.err.BAKEN_ERR_KEYSAFE_UNAVAILABLE': 'the key safe cannot be reached now',
  'js.err.BAKEN_ERR_KEYSAFE_NO_KEY': 'the server holds no key for this key safe yet',
  'js.err.BAKEN_ERR_STORAGE_FULL': "the server's disk is full, nothing was saved — tell the operator",
  'js.err.BAKEN_ERR_STORAGE_READ_ONLY':
    'the server cannot write to its disk, nothing was saved — tell the operator',
  'js.err.BAKEN_ERR_STORAGE_IO': "the server's disk failed, nothing was saved — tell the operator",
  'js.err.BAKEN_ERR_INTERNAL': 'something went wrong on the server — try again or call support',
} as const;
