package io.ringmem.cuda;

/**
 * What the probe found about CUDA device 0.
 *
 * @param name           the device's name, e.g. "NVIDIA H200"
 * @param major          compute capability major
 * @param minor          compute capability minor
 * @param multiprocessors streaming multiprocessors
 * @param driverVersion  the driver's CUDA version as an integer (13000 = 13.0)
 * @param devices        CUDA devices visible to this process
 */
public record DeviceInfo(String name, int major, int minor, int multiprocessors, int driverVersion, int devices) {
    /** One line for logs: name, compute capability, driver. */
    public String describe() {
        return name + " (sm_" + major + minor + ", " + multiprocessors + " SMs, driver CUDA " + driverVersion / 1000 + "."
                + driverVersion % 1000 / 10 + ", " + devices + " device(s))";
    }
}
