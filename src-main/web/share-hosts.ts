/**
 * Where band mates reach `eureka web --share`: this computer's addresses on its local networks,
 * and the Host headers that name it. The raters' server listens on every interface (it must be
 * reachable from a phone on the same Wi-Fi) but still answers only requests that name this
 * computer, so a web page elsewhere cannot rebind its own domain name onto it (DNS rebinding).
 */
import { hostname as osHostname, networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/** This computer's IPv4 addresses on its local networks, private ranges first (e.g. 192.168.1.20). */
export function lanAddresses(interfaces: Interfaces = networkInterfaces()): string[] {
  const addresses = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((info) => info.family === 'IPv4' && !info.internal)
    .map((info) => info.address);
  const isPrivate = (address: string) => /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(address);
  return [...new Set(addresses)].sort((a, b) => Number(isPrivate(b)) - Number(isPrivate(a)));
}

/** Host header values that name this computer at `port`: its LAN addresses, its name (and name.local), loopback. */
export function shareHostNames(port: number, interfaces: Interfaces = networkInterfaces(), hostname = osHostname()): Set<string> {
  const names = [...lanAddresses(interfaces), '127.0.0.1', 'localhost'];
  if (hostname) {
    const name = hostname.toLowerCase();
    names.push(name, name.endsWith('.local') ? name : `${name}.local`);
  }
  return new Set(names.map((name) => `${name}:${port}`));
}
