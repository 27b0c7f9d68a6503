package dev.faas.ports.in;

import dev.faas.ports.model.AuthenticatedCaller;
import java.util.Optional;

/** Tells who presents an API key. Thread-safe and cheap enough to run on every request. */
public interface AuthenticateUseCase {

    /**
     * The caller a bearer token proves, or empty when the token is not a known, unrevoked key. A revocation made on
     * this node takes effect at once, one made on another node sharing the store within about a second.
     */
    Optional<AuthenticatedCaller> authenticate(String bearerToken);

    /**
     * Whether authentication is on: true as soon as any key is stored, and from then on for good (even when every
     * key is revoked, so that revoking keys can never open the API). False: every request is let through.
     */
    boolean anyKeyConfigured();
}
