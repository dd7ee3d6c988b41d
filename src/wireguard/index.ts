export * from './wireguard-site';
export * from './wireguard-mesh';
export * from './wireguard-gateway';
