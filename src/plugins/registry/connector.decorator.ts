import { DiscoveryService } from '@nestjs/core';

/**
 * Marks a provider as a connector. The registry finds every provider carrying it at boot,
 * so adding a connector is declaring it, not editing a list in the host.
 */
export const ReplywatchConnector = DiscoveryService.createDecorator<void>();
