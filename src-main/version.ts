/** Eureka's version, shown in the UI and `eureka --version`; kept equal to package.json's. */
export const APP_VERSION = '0.1.0';
