package dev.faas.adapter.jaxrs;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The role a caller needs for a resource method, for a request filter to enforce (read it from
 * {@code ResourceInfo.getResourceMethod()}). Every function endpoint carries one; the operational endpoints
 * ({@code /healthz}, {@code /readyz}, {@code /metrics}, {@code /openapi.json}) carry none and are public.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RequiresRole {

    Role value();
}
