/** What Gemini CLI needs to reach: the Gemini API, Code Assist (Google-account logins) and Google's OAuth. */
export const GEMINI_EGRESS_HOSTS =
  'generativelanguage.googleapis.com:443, cloudcode-pa.googleapis.com:443, oauth2.googleapis.com:443, accounts.google.com:443, www.googleapis.com:443';
