/**
 * Model sources for {@code --model}: local paths and Hugging Face Hub repositories ({@code hf:ORG/NAME[@REV]}),
 * downloaded once into a local cache by {@link io.ringmem.hub.HubModelResolver}.
 */
package io.ringmem.hub;
