package io.ringmem.deploy;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A check that runs once on each render of {@link Renders#all()} (kustomize, Helm with default values, Helm with
 * everything enabled); the method takes the {@link Manifests} of that render.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "{0}")
@MethodSource("io.ringmem.deploy.Renders#all")
@interface OnEveryRender {
}
