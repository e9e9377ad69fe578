import { MemoryLoyaltyRepository } from '../../shared/storage/memoryRepository';
import { repositoryContract } from '../support/repositoryContract';

repositoryContract('in-memory', async () => new MemoryLoyaltyRepository());
