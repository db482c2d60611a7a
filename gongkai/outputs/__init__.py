"""What a build writes besides the pages: downloads, search index, feed, assets."""
