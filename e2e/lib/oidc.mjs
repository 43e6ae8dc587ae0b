// A real OpenID Connect provider for the suite: the certified `oidc-provider` package, started in
// this process on a free loopback port with one client (motcua) and its development login and
// consent pages, where any login name is accepted and becomes the subject. It stands in for
// VNeID or the national portal's accounts, so motcua's sign-on is tried against a provider that
// enforces the protocol (PKCE, redirect URIs, client authentication), not a mocked answer.
import Provider from 'oidc-provider';

export const OIDC_CLIENT = { id: 'motcua-e2e', secret: 'e2e-oidc-client-secret-0123456789' };

/** The claims the provider releases for a subject, as VNeID would for a citizen. */
function claimsOf(sub) {
  return {
    sub,
    name: 'Phạm Thị Định Danh',
    email: `${sub}@vneid.example.vn`,
    email_verified: true,
  };
}

/**
 * Starts the provider on `port` for a relying party at `rpUrl`; resolves to { issuer, close() }.
 */
export async function startOidcProvider({ port, rpUrl }) {
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: OIDC_CLIENT.id,
      client_secret: OIDC_CLIENT.secret,
      redirect_uris: [`${rpUrl}/account/sso/callback`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => claimsOf(sub) }),
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['e2e-oidc-cookie-key-not-secret'] },
  });
  // The development pages warn on every start; the suite knows.
  provider.on('server_error', (_ctx, err) => console.error('# oidc-provider error:', err));
  const server = provider.listen(port, '127.0.0.1');
  await new Promise((ok, fail) => { server.once('listening', ok); server.once('error', fail); });
  return {
    issuer,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}
