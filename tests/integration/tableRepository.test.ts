import { repositoryContract } from '../support/repositoryContract';
import { tableRepository } from '../support/tables';

repositoryContract('Table Storage (Azurite)', async () => {
  const repo = tableRepository('Contract');
  await repo.init();
  return repo;
});
