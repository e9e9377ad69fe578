import { MemoryLoyaltyRepository } from '../support/memoryRepository';
import { repositoryContract } from '../support/repositoryContract';

repositoryContract('in-memory', async () => new MemoryLoyaltyRepository());
