package dev.faas.ports.error;

/** A request, code or result is larger than the limit that applies to it. */
public class PayloadTooLargeException extends FaasException {

    private final long limitBytes;

    public PayloadTooLargeException(String what, long limitBytes) {
        super(what + " is larger than the limit of " + limitBytes + " bytes");
        this.limitBytes = limitBytes;
    }

    public long limitBytes() {
        return limitBytes;
    }
}
