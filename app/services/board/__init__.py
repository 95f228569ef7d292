"""The officials' exchange board: topics, answers and marks (`posts`), lists and related
topics (`listing`), moderation and reports (`moderation`), inbox notices (`notices`), search
(`search`), topics turned into postings (`conversion`) and what the follow digests read
(`digest`). Contact with an author goes through the contact routing."""
