package dev.faas.adapter.memory;

import dev.faas.testkit.ChangeFeedContract;

class InMemoryChangeFeedTest extends ChangeFeedContract {

    @Override
    protected Store createStore() {
        InMemoryChangeFeed feed = new InMemoryChangeFeed();
        return new Store(new InMemoryFunctionRepository(feed), new InMemoryApiKeyRepository(feed), feed,
                InMemoryChangeFeed.DEFAULT_NODE_ID);
    }
}
