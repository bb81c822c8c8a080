/** What Copilot CLI needs to reach: GitHub (login, API) and the Copilot API of each plan. */
export const COPILOT_EGRESS_HOSTS =
  'github.com:443, api.github.com:443, api.githubcopilot.com:443, api.individual.githubcopilot.com:443, api.business.githubcopilot.com:443, api.enterprise.githubcopilot.com:443';
