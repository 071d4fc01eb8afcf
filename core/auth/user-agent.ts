/**
 * What a session's list shows about the device that opened it, read from its request as Immich
 * reads it: the browser (or the phone's model) as `deviceType`, the operating system as
 * `deviceOS`, and the app's version when the client is Immich's phone app
 * (`immich-android/2.1.0`, or the older `Immich_Android_1.94.0`). Immich's phone app sends
 * `deviceModel` and `deviceType` headers besides its user agent, which name neither.
 */
export interface DeviceDetails {
  deviceType: string;
  deviceOS: string;
  appVersion: string | null;
}

// Order matters: Edge and Opera also say Chrome, Chrome also says Safari, and so on.
const BROWSERS: Array<[RegExp, string]> = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\b(?:OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bVivaldi\//, 'Vivaldi'],
  [/\b(?:Firefox|FxiOS)\//, 'Firefox'],
  [/\bChromium\//, 'Chromium'],
  [/\b(?:Chrome|CriOS)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
];
const SYSTEMS: Array<[RegExp, string]> = [
  [/^(?:immich-android\/|Immich_Android_)/, 'Android'],
  [/^(?:immich-ios\/|Immich_iOS_)/, 'iOS'],
  [/\b(?:iPhone|iPad|iPod)\b.*\bOS \d/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'Chrome OS'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bUbuntu\b/, 'Ubuntu'],
  [/\bFedora\b/, 'Fedora'],
  [/\bLinux\b/, 'Linux'],
];

const first = (list: Array<[RegExp, string]>, text: string) => list.find(([pattern]) => pattern.test(text))?.[1];

export function deviceDetails(header: (name: string) => string | undefined): DeviceDetails {
  const userAgent = header('user-agent') ?? '';
  const appVersion =
    /^immich-(?:android|ios|unknown)\/(.+)$/.exec(userAgent)?.[1] ?? /^Immich_(?:Android|iOS|Unknown)_(.+)$/.exec(userAgent)?.[1] ?? null;
  const clip = (value: string) => value.slice(0, 100);
  return {
    deviceType: clip(first(BROWSERS, userAgent) ?? header('devicemodel') ?? ''),
    deviceOS: clip(first(SYSTEMS, userAgent) ?? header('devicetype') ?? ''),
    appVersion: appVersion && clip(appVersion),
  };
}
