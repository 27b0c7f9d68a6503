package dev.faas.domain.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.adapter.memory.InMemorySecretRepository;
import dev.faas.ports.error.MissingSecretException;
import dev.faas.ports.error.PayloadTooLargeException;
import dev.faas.ports.error.SecretNotFoundException;
import dev.faas.ports.error.SecretsNotConfiguredException;
import dev.faas.ports.error.UnknownSecretException;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.model.SecretName;
import dev.faas.ports.model.StoredSecret;
import dev.faas.ports.model.VersionOptions;
import dev.faas.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretServiceTest {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String OTHER_KEY = Base64.getEncoder().encodeToString(new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
            30, 31, 32});

    private final InMemorySecretRepository repository = new InMemorySecretRepository();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final SecretService secrets = new SecretService(repository, SecretCipher.fromBase64(KEY), clock);

    @Test
    void put_storesOnlyASealedValue_thatOpensForTheVersionReadingIt() {
        secrets.put(SecretName.of("db"), "hunter2");

        byte[] sealed = repository.find(SecretName.of("db")).orElseThrow().sealedValue();
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("hunter2");
        assertThat(secrets.specialise(version(List.of("db"))).secretValues()).isEqualTo(Map.of("db", "hunter2"));
    }

    @Test
    void sealingTwice_givesDifferentCiphertexts() {
        SecretCipher cipher = SecretCipher.fromBase64(KEY);
        assertThat(cipher.seal(SecretName.of("a"), "same")).isNotEqualTo(cipher.seal(SecretName.of("a"), "same"));
    }

    @Test
    void aValueSealedUnderAnotherKeyOrName_doesNotOpen() {
        byte[] sealed = SecretCipher.fromBase64(OTHER_KEY).seal(SecretName.of("db"), "x");
        assertThatThrownBy(() -> SecretCipher.fromBase64(KEY).open(SecretName.of("db"), sealed))
                .isInstanceOf(UnreadableSecretException.class).hasMessageContaining("FAAS_SECRETS_KEY");
        byte[] moved = SecretCipher.fromBase64(KEY).seal(SecretName.of("other"), "x");
        assertThatThrownBy(() -> SecretCipher.fromBase64(KEY).open(SecretName.of("db"), moved))
                .isInstanceOf(UnreadableSecretException.class);
    }

    @Test
    void rotating_keepsTheCreationTime_andNewSpecialisationsGetTheNewValue() {
        secrets.put(SecretName.of("token"), "one");
        clock.advance(Duration.ofMinutes(5));
        var record = secrets.put(SecretName.of("token"), "two");

        assertThat(record.createdAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(record.updatedAt()).isEqualTo(Instant.parse("2026-01-01T00:05:00Z"));
        assertThat(secrets.specialise(version(List.of("token"))).secretValues()).containsEntry("token", "two");
    }

    @Test
    void aDeletedSecret_failsSpecialisationWithItsName_andUnknownOnesFailRegistration() {
        secrets.put(SecretName.of("kept"), "k");
        secrets.put(SecretName.of("gone"), "g");
        secrets.delete(SecretName.of("gone"));

        assertThatThrownBy(() -> secrets.specialise(version(List.of("kept", "gone"))))
                .isInstanceOfSatisfying(MissingSecretException.class,
                        missing -> assertThat(missing.names()).containsExactly("gone"));
        assertThatThrownBy(() -> secrets.requireStored(List.of("kept", "never")))
                .isInstanceOfSatisfying(UnknownSecretException.class,
                        unknown -> assertThat(unknown.names()).containsExactly("never"));
        assertThatThrownBy(() -> secrets.delete(SecretName.of("gone"))).isInstanceOf(SecretNotFoundException.class);
    }

    @Test
    void withoutAKey_everyOperation_saysHowToSetOne_butVersionsWithoutSecretsAreUnaffected() {
        SecretService keyless = new SecretService(repository, null, clock);

        assertThatThrownBy(() -> keyless.put(SecretName.of("a"), "b"))
                .isInstanceOf(SecretsNotConfiguredException.class).hasMessageContaining("FAAS_SECRETS_KEY");
        assertThatThrownBy(keyless::list).isInstanceOf(SecretsNotConfiguredException.class);
        assertThatThrownBy(() -> keyless.specialise(version(List.of("a"))))
                .isInstanceOf(SecretsNotConfiguredException.class);
        assertThat(keyless.specialise(version(List.of())).secretValues()).isEmpty();
        keyless.requireStored(List.of());
    }

    @Test
    void aValueOverTheLimit_isRefused_andNoMessageQuotesAValue() {
        String large = "x".repeat(SecretService.MAX_VALUE_BYTES) + "tail-marker";
        assertThatThrownBy(() -> secrets.put(SecretName.of("big"), large))
                .isInstanceOf(PayloadTooLargeException.class)
                .satisfies(failure -> assertThat(failure.getMessage()).doesNotContain("tail-marker"));
        assertThat(new StoredSecret(new dev.faas.ports.model.SecretRecord(SecretName.of("a"), clock.instant(),
                clock.instant()), new byte[] {1}).toString()).doesNotContain("[1]");
    }

    @Test
    void keysOfTheWrongSize_orNotBase64_areRefusedWithoutQuotingThem() {
        assertThatThrownBy(() -> SecretCipher.fromBase64("not-base64!!"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("not-base64!!");
        assertThatThrownBy(() -> SecretCipher.fromBase64(Base64.getEncoder().encodeToString(new byte[20])))
                .hasMessageContaining("16, 24 or 32 bytes");
    }

    private static FunctionDefinition version(List<String> secretNames) {
        return new FunctionDefinition(FunctionId.parse("fn-1"), "def user_function():\n    pass\n", "user_function",
                new FunctionLimits(Duration.ofSeconds(1), 128, 1), Instant.EPOCH, "0".repeat(64),
                VersionOptions.DEFAULT.withSecrets(secretNames));
    }
}
