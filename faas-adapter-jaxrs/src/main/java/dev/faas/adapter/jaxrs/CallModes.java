package dev.faas.adapter.jaxrs;

import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.in.InvokeAsyncCommand;
import dev.faas.ports.in.InvokeAsyncUseCase;
import dev.faas.ports.in.InvokeFunctionCommand;
import dev.faas.ports.in.InvokeFunctionUseCase;
import dev.faas.ports.model.Activation;
import dev.faas.ports.model.AuthenticatedCaller;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Locale;

/**
 * How an invoke request asks to be served: synchronously (the seed's way), synchronously and recorded as an
 * activation ({@code ?record=true}), or queued ({@code ?async=true}, or {@code Prefer: respond-async} per RFC 7240)
 * with a 202 naming the activation. Shared by the seed's and the functions' invoke endpoints.
 */
final class CallModes {

    static final String ACTIVATION_HEADER = "X-Faas-Activation-Id";

    private final InvokeFunctionUseCase invoke;
    private final InvokeAsyncUseCase async;

    CallModes(InvokeFunctionUseCase invoke, InvokeAsyncUseCase async) {
        this.invoke = invoke;
        this.async = async;
    }

    /** Whether a {@code Prefer} header asks for {@code respond-async} (tokens compared without case). */
    static boolean prefersAsync(String prefer) {
        if (prefer == null) {
            return false;
        }
        for (String preference : prefer.split(",")) {
            String token = preference.split("[;=]", 2)[0].strip().toLowerCase(Locale.ROOT);
            if (token.equals("respond-async")) {
                return true;
            }
        }
        return false;
    }

    Response serve(InvokeFunctionCommand command, boolean queued, boolean preferred, boolean record,
                   boolean withLogs) {
        return serve(command, queued, preferred, record, withLogs, null);
    }

    /** With {@code callbackUrl} (queued calls only): where the record is POSTed when the call ends. */
    Response serve(InvokeFunctionCommand command, boolean queued, boolean preferred, boolean record,
                   boolean withLogs, String callbackUrl) {
        return serve(command, queued, preferred, record, withLogs, callbackUrl, null);
    }

    /**
     * The id of the API key making the request (which alone, with admin keys, may read the call's record), or null
     * when the server has no keys.
     */
    static String creator(ContainerRequestContext request) {
        return request.getSecurityContext() instanceof AccessSecurityContext access && access.caller() != null
                ? access.caller().keyId().value() : null;
    }

    /**
     * The caller an API key proves (what registration checks its permissions against), or null when the server has
     * no keys, whose callers are all the operator's.
     */
    static AuthenticatedCaller caller(ContainerRequestContext request) {
        return request.getSecurityContext() instanceof AccessSecurityContext access ? access.caller() : null;
    }

    /** With {@code createdBy}: the id of the API key making the call ({@link #creator}), kept with its record. */
    Response serve(InvokeFunctionCommand command, boolean queued, boolean preferred, boolean record,
                   boolean withLogs, String callbackUrl, String createdBy) {
        if (callbackUrl != null && !queued) {
            throw new InvalidRequestException("callbackUrl", "a callback is for an asynchronous call: add"
                    + " async=true");
        }
        if (queued) {
            if (record) {
                throw new InvalidRequestException("record", "an asynchronous call is always recorded: drop 'record'");
            }
            Activation activation = available("async").submit(new InvokeAsyncCommand(command, callbackUrl,
                    createdBy));
            Response.ResponseBuilder accepted = Response.status(Response.Status.ACCEPTED)
                    .entity(ActivationDocuments.accepted(activation)).type(MediaType.APPLICATION_JSON_TYPE)
                    .header("Location", ActivationDocuments.PATH + activation.id().value())
                    .header(ACTIVATION_HEADER, activation.id().value());
            if (preferred) {
                accepted.header("Preference-Applied", "respond-async");
            }
            return accepted.build();
        }
        if (record) {
            InvokeAsyncUseCase.Recorded recorded = available("record").invokeRecorded(command, createdBy);
            return Response.fromResponse(InvocationResponses.ok(recorded.result(), withLogs))
                    .header(ACTIVATION_HEADER, recorded.activationId().value()).build();
        }
        return InvocationResponses.ok(invoke.invoke(command), withLogs);
    }

    private InvokeAsyncUseCase available(String field) {
        if (async == null) {
            throw new InvalidRequestException(field, "asynchronous and recorded calls are not available here");
        }
        return async;
    }
}
